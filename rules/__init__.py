"""Pure program rules over plain values: no I/O, figures passed in from program data."""
