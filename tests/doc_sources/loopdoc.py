import numpy as np


def running_max_loss(x, w):
    total = 0.0
    for i in range(len(x)):
        if x[i] > 0.0:
            total = total + w * x[i] ** 2
        else:
            total = total - x[i]
    return total
