print("lmg")
