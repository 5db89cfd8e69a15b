"""Honours (荣誉) to a person, a collective (班组、科室、分工会) or the union itself (DOMAIN.md §2.7)."""
