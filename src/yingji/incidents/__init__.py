"""Response and command (应急指挥): duty, incident intake, grading, reporting upward, response."""
