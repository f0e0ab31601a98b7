"""How good a reel or a detector is: coverage of labelled events, SoccerNet metrics, plots."""
