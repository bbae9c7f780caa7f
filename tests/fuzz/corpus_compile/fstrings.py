s = f'{a["k"]!s:{w}.{p}}' f"{'nested' + f'{x}'}" 'plain'
