na­me = 1
