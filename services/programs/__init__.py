"""Use cases of programs: the program definition file's shape, reading and validating it, and
loading it into the database.
"""
