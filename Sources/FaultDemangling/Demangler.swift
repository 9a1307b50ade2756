// Placeholder until the demangler lands.
