"""The casino lobby: launchGame and simulateRound, consumed from `casino.lobby`.

It has its own consumer, apart from the wallet worker's: simulateRound waits on the game
provider, which calls back into the wallet, so one consumer doing both would deadlock.
"""
