"""Knowledge that several stages share (actor kinds and name templates, role conventions, clause helpers,
fatality counting, the type model, the front lines) and the lexicons they read: no stage owns it, so that no
stage imports another."""
