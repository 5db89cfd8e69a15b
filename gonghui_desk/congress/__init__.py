"""The congress (职代会/教代会, DOMAIN.md §2.8): terms, sessions, delegations and delegates, and the
proposals (提案) filed at a session with their review, handling, replies and ratings."""
