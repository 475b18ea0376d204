detach snap
