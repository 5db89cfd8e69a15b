"""Events (活动竞赛): labour and skill competitions, contests, sports and cultural activities,
lectures and training, rest trips — one shape for all (DOMAIN.md §2.6)."""
