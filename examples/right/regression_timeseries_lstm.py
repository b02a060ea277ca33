# Right: forecasting a temperature 24 hours ahead from the last five days of readings.
# Windows of (steps, features) go through recurrent layers; only the last LSTM
# returns a single state, and the head is one linear unit with mse and an mae metric.
# Style: `import tensorflow as tf` and `tf.keras.*` spelled out, functional API.
import numpy as np
import pandas as pd
import tensorflow as tf

WINDOW = 120  # five days of hourly readings
HORIZON = 24

frame = pd.read_csv("jena_climate_hourly.csv")
readings = frame.drop(columns=["Date Time"]).to_numpy(dtype="float32")
mean, std = readings[:50_000].mean(axis=0), readings[:50_000].std(axis=0)
readings = (readings - mean) / std
temperature = readings[:, 1]

train_ds = tf.keras.utils.timeseries_dataset_from_array(
    readings[: -(WINDOW + HORIZON)],
    targets=temperature[WINDOW + HORIZON :],
    sequence_length=WINDOW,
    batch_size=256,
    end_index=50_000,
)
val_ds = tf.keras.utils.timeseries_dataset_from_array(
    readings[: -(WINDOW + HORIZON)],
    targets=temperature[WINDOW + HORIZON :],
    sequence_length=WINDOW,
    batch_size=256,
    start_index=50_000,
)

inputs = tf.keras.Input(shape=(WINDOW, readings.shape[-1]))
x = tf.keras.layers.LSTM(64, return_sequences=True)(inputs)
x = tf.keras.layers.LSTM(32, recurrent_dropout=0.2)(x)
x = tf.keras.layers.Dropout(0.3)(x)
forecast = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, forecast)

model.compile(
    optimizer=tf.keras.optimizers.RMSprop(),
    loss="mse",
    metrics=["mae", tf.keras.metrics.RootMeanSquaredError()],
)
model.fit(train_ds, validation_data=val_ds, epochs=20)
print("baseline mae:", float(np.mean(np.abs(temperature[WINDOW:] - temperature[:-WINDOW]))))
