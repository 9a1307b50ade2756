// The generated Swift code of the large probe: scripts/generate-large-sources.py writes Generated*.swift next to
// this file (git-ignored). Without them this module is empty and the "large" probe is as small as the other one.
