"""Use cases of programs: the program definition file's shape (the root in `definition`, one
module per domain in `sections`), reading and validating it, and loading it into the database.
"""
