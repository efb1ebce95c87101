"""History imports: which row of a source system each imported record came from."""
