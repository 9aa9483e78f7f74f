// Package reliability holds psflow's reliability and security tests: every
// action run as the real binary against an emulator under injected API
// faults, interrupted by signals, checked for leaked secrets and fed
// hostile input. It has no code of its own beyond its tests.
package reliability
