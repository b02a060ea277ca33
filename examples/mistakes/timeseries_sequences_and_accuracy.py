# Mistakes (KS207, KS110): a load forecaster whose last LSTM keeps
# return_sequences=True, so the Dense head predicts once per hour instead of once per
# window, and an "accuracy" metric on a continuous target that it can never match.
import numpy as np
import tensorflow as tf

LOOKBACK = 48
SENSORS = 6

series = np.load("substation_load.npy").astype("float32")  # (hours, 6)
target = series[:, 0]

windows = np.stack([series[i : i + LOOKBACK] for i in range(len(series) - LOOKBACK)])
next_load = target[LOOKBACK:]
split = int(0.8 * len(windows))

model = tf.keras.Sequential()
model.add(tf.keras.layers.Input(shape=(LOOKBACK, SENSORS)))
model.add(tf.keras.layers.LSTM(64, return_sequences=True))
model.add(tf.keras.layers.LSTM(32, return_sequences=True))
model.add(tf.keras.layers.Dense(1))

model.compile(
    optimizer=tf.keras.optimizers.Adam(1e-3),
    loss="mean_squared_error",
    metrics=["accuracy"],
)
model.fit(
    windows[:split],
    next_load[:split],
    validation_data=(windows[split:], next_load[split:]),
    epochs=30,
    batch_size=64,
)
