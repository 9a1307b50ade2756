import FaultCore
