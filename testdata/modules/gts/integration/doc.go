// Package integration has tests that build only with -tags=integration.
package integration
