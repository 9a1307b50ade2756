// Placeholder until the ELF symbol tables land.
