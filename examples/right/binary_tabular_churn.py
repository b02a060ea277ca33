# Right: binary classification on tabular (vector) data.
# Dense layers, one sigmoid unit and binary_crossentropy, with 0/1 targets.
# Style: `import keras`, a Sequential built from a list.
import keras
import numpy as np
import pandas as pd
from keras import layers

FEATURES = [
    "tenure_months",
    "monthly_charges",
    "total_charges",
    "support_calls",
    "contract_length",
    "late_payments",
]

frame = pd.read_csv("customers.csv").dropna()
features = frame[FEATURES].to_numpy(dtype="float32")
churned = (frame["churned"] == "yes").to_numpy(dtype="float32")

rng = np.random.default_rng(7)
order = rng.permutation(len(features))
split = int(0.8 * len(order))
x_train, x_val = features[order[:split]], features[order[split:]]
y_train, y_val = churned[order[:split]], churned[order[split:]]

normalizer = layers.Normalization()
normalizer.adapt(x_train)

model = keras.Sequential(
    [
        keras.Input(shape=(len(FEATURES),)),
        normalizer,
        layers.Dense(64, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(32, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ],
    name="churn",
)

model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
    loss="binary_crossentropy",
    metrics=["accuracy", keras.metrics.AUC(name="auc")],
)
model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs=30,
    batch_size=128,
    callbacks=[keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)],
)
print(model.evaluate(x_val, y_val, return_dict=True))
