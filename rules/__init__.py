"""Pure program rules over plain values: no I/O, figures passed in from program data; and the
plain helpers every layer shares (global IDs, the bounded cache of derived values)."""
