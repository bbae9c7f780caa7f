access_level‮ = 'user'
