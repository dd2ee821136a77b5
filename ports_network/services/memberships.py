"""PLACEHOLDER - being written: memberships service."""
def expire_invitations():
    return 0
