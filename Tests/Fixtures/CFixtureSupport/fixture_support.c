#include "CFixtureSupport.h"
