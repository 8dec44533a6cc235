import Board
print("armvm")
