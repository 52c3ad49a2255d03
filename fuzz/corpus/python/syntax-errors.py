def broken(:
    return [1, 2
class X(
    pass
	mixed = "tabs"
x = """unterminated
