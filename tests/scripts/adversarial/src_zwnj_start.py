‌ab = 1
