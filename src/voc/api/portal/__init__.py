"""The role-based web portal of `voc serve`: sign-in, results pages, the alert inbox."""
