attach ? as snap
