"""The inside view: collected cmdlet output, its rules, the trust graph and the rotation plan (no Qt)."""
