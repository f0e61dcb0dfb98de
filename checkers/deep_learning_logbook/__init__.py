"""Deep learning logbook: the university course logbook (seed 003) as learnkit exercises."""
