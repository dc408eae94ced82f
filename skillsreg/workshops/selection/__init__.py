"""Selection rounds: the optimiser's proposals, organisers' overrides, recorded runs."""
