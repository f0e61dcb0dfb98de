"""Kaggle-style "Intro to Deep Learning" course."""
