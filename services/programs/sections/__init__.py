"""The sections of a program definition file, one module per domain they configure."""
