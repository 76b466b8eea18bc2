"""``reelplan plan``: dataset folder in, plan folder out."""
