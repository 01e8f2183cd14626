"""Shared fixtures of the pack's tests. The pack (``budgetbuddy_policies``) is an installed package (an editable
install of policies/, requirements.txt); ``policy_fixtures`` is importable as pytest puts this directory, which is
not a package, on sys.path for its test modules (rootdir-relative "prepend" import mode)."""
