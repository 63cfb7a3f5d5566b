"""Users, roles, sign-in, two-factor authentication, password reset and permissions."""
