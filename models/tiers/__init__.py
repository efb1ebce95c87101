"""Persistence of tier governance: evidence, invitations, MDF requests, usage reports, access
requests, notices and notifications.
"""
