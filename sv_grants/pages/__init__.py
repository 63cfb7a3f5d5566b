"""Pages about the service itself: start page, accessibility, privacy, cookies, health checks."""
