"""Talentboard: training, competition, grading and innovation analytics for rural credit unions."""
