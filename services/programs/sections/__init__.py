"""The sections of a program definition file: one module per domain they configure, the
operator (the program's contracting party), and the field types they share.
"""
