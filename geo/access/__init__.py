"""Access: roles, accounts, sign-in, write authorization given to the store, admin installs of shared reference files."""
