count  = 1
