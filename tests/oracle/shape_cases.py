"""Hand-written models for the shape oracle: one per situation worth pinning down.

Every layer carries ``name=`` so the static shapes can be matched with Keras's; the
model is always bound to ``model``. Each source starts with ``HEADER``.
"""

from __future__ import annotations

HEADER = "import keras\nfrom keras import layers\n\n"

CASES: dict[str, str] = {
    "mlp": """
model = keras.Sequential([
    keras.Input(shape=(20,), name="in0"),
    layers.Dense(64, activation="relu", name="d1"),
    layers.Dropout(0.3, name="drop"),
    layers.BatchNormalization(name="bn"),
    layers.Activation("relu", name="act"),
    layers.Dense(10, activation="softmax", name="head"),
])
""",
    "flatten_images": """
model = keras.Sequential([
    keras.Input(shape=(28, 28), name="in0"),
    layers.Flatten(name="flat"),
    layers.Dense(128, activation="relu", name="d1"),
    layers.Dense(10, name="head"),
])
""",
    "conv2d_padding_strides_dilation": """
model = keras.Sequential([
    keras.Input(shape=(32, 32, 3), name="in0"),
    layers.Conv2D(16, 3, name="c1"),
    layers.Conv2D(32, 5, strides=2, padding="same", name="c2"),
    layers.MaxPooling2D(name="p1"),
    layers.Conv2D(32, (3, 1), dilation_rate=(2, 1), name="c3"),
    layers.GlobalAveragePooling2D(name="gap"),
    layers.Dense(4, name="head"),
])
""",
    "conv2d_tuples_and_pooling": """
model = keras.Sequential([
    keras.Input(shape=(31, 29, 2), name="in0"),
    layers.Conv2D(8, (3, 5), strides=(2, 3), name="c1"),
    layers.AveragePooling2D(pool_size=(3, 2), strides=(1, 2), padding="same", name="p1"),
    layers.MaxPooling2D(3, strides=2, name="p2"),
    layers.Conv2D(filters=6, kernel_size=2, padding="valid", name="c2"),
    layers.Flatten(name="flat"),
    layers.Dense(3, name="head"),
])
""",
    "conv1d_causal_and_pooling": """
model = keras.Sequential([
    keras.Input(shape=(100, 6), name="in0"),
    layers.Conv1D(16, 7, padding="causal", dilation_rate=4, name="c1"),
    layers.Conv1D(16, 5, strides=3, name="c2"),
    layers.MaxPooling1D(4, name="p1"),
    layers.AveragePooling1D(3, strides=1, padding="same", name="p2"),
    layers.GlobalMaxPooling1D(keepdims=True, name="gmp"),
    layers.Flatten(name="flat"),
    layers.Dense(1, activation="sigmoid", name="head"),
])
""",
    "conv3d_volume": """
model = keras.Sequential([
    keras.Input(shape=(16, 32, 32, 1), name="in0"),
    layers.Conv3D(8, 3, padding="same", activation="relu", name="c1"),
    layers.MaxPooling3D((1, 2, 2), name="p1"),
    layers.Conv3D(16, (3, 3, 3), strides=(1, 2, 2), name="c2"),
    layers.AveragePooling3D(2, name="p2"),
    layers.GlobalAveragePooling3D(name="gap"),
    layers.Dense(2, activation="softmax", name="head"),
])
""",
    "conv2d_transpose_decoder": """
model = keras.Sequential([
    keras.Input(shape=(7, 7, 16), name="in0"),
    layers.Conv2DTranspose(8, 3, strides=2, padding="same", name="t1"),
    layers.Conv2DTranspose(4, 4, strides=2, name="t2"),
    layers.Conv2DTranspose(3, 3, dilation_rate=2, name="t3"),
    layers.Conv2DTranspose(2, (2, 3), strides=(3, 1), name="t4"),
])
""",
    "conv1d_transpose": """
model = keras.Sequential([
    keras.Input(shape=(25, 4), name="in0"),
    layers.Conv1DTranspose(8, 5, strides=3, name="t1"),
    layers.Conv1DTranspose(2, 3, padding="same", strides=2, name="t2"),
    layers.Conv1DTranspose(2, 2, name="t3"),
])
""",
    "conv3d_transpose": """
model = keras.Sequential([
    keras.Input(shape=(4, 8, 8, 2), name="in0"),
    layers.Conv3DTranspose(4, 3, strides=(1, 2, 2), padding="same", name="t1"),
    layers.Conv3DTranspose(2, (2, 3, 3), strides=2, name="t2"),
])
""",
    "separable_and_depthwise_2d": """
model = keras.Sequential([
    keras.Input(shape=(40, 40, 3), name="in0"),
    layers.SeparableConv2D(16, 3, strides=2, name="s1"),
    layers.DepthwiseConv2D(3, depth_multiplier=3, padding="same", name="dw1"),
    layers.DepthwiseConv2D((5, 3), strides=2, name="dw2"),
    layers.SeparableConv2D(8, (3, 3), dilation_rate=2, padding="same", name="s2"),
    layers.GlobalMaxPooling2D(name="gmp"),
])
""",
    "separable_and_depthwise_1d": """
model = keras.Sequential([
    keras.Input(shape=(64, 8), name="in0"),
    layers.SeparableConv1D(16, 5, strides=2, name="s1"),
    layers.DepthwiseConv1D(3, depth_multiplier=2, name="dw1"),
    layers.GlobalAveragePooling1D(name="gap"),
])
""",
    "global_pooling_keepdims": """
inputs = keras.Input(shape=(10, 10, 10, 3), name="in0")
a = layers.GlobalMaxPooling3D(keepdims=True, name="g3max")(inputs)
b = layers.GlobalAveragePooling3D(name="g3avg")(inputs)
c = layers.Reshape((10, 100, 3), name="to2d")(inputs)
d = layers.GlobalMaxPooling2D(keepdims=True, name="g2max")(c)
e = layers.GlobalAveragePooling2D(keepdims=False, name="g2avg")(c)
f = layers.Reshape((1000, 3), name="to1d")(inputs)
g = layers.GlobalAveragePooling1D(keepdims=True, name="g1avg")(f)
h = layers.GlobalMaxPooling1D(name="g1max")(f)
model = keras.Model(inputs, [a, b, d, e, g, h])
""",
    "reshape_with_minus_one": """
inputs = keras.Input(shape=(784,), name="in0")
a = layers.Reshape((28, 28, 1), name="r1")(inputs)
b = layers.Reshape((-1, 7), name="r2")(inputs)
c = layers.Reshape((4, -1, 2), name="r3")(inputs)
d = layers.Reshape((-1,), name="r4")(a)
e = layers.Conv2D(4, 3, name="c1")(a)
model = keras.Model(inputs, [b, c, d, e])
""",
    "permute": """
model = keras.Sequential([
    keras.Input(shape=(10, 20, 3), name="in0"),
    layers.Permute((2, 1, 3), name="p1"),
    layers.Permute((3, 1, 2), name="p2"),
    layers.Reshape((-1,), name="r1"),
])
""",
    "repeat_vector_seq2seq": """
model = keras.Sequential([
    keras.Input(shape=(12,), name="in0"),
    layers.Dense(16, activation="relu", name="enc"),
    layers.RepeatVector(5, name="rep"),
    layers.LSTM(8, return_sequences=True, name="dec"),
    layers.TimeDistributed(layers.Dense(3), name="td"),
])
""",
    "recurrent_stack_variable_length": """
model = keras.Sequential([
    keras.Input(shape=(None, 6), name="in0"),
    layers.SimpleRNN(16, return_sequences=True, name="r1"),
    layers.GRU(8, return_sequences=True, name="r2"),
    layers.LSTM(4, name="r3"),
    layers.Dense(1, name="head"),
])
""",
    "bidirectional_merge_modes": """
inputs = keras.Input(shape=(30, 8), name="in0")
a = layers.Bidirectional(layers.LSTM(6, return_sequences=True), name="bi_concat")(inputs)
b = layers.Bidirectional(layers.GRU(6), merge_mode="sum", name="bi_sum")(inputs)
c = layers.Bidirectional(layers.SimpleRNN(5), merge_mode="mul", name="bi_mul")(inputs)
d = layers.Bidirectional(layers.LSTM(7, return_sequences=True), merge_mode="ave", name="bi_ave")(a)
e = layers.GlobalAveragePooling1D(name="gap")(d)
merged = layers.Concatenate(name="cat")([b, c, e])
model = keras.Model(inputs, [merged, a])
""",
    "timedistributed_video": """
model = keras.Sequential([
    keras.Input(shape=(8, 32, 32, 3), name="in0"),
    layers.TimeDistributed(layers.Conv2D(8, 3, activation="relu"), name="td_conv"),
    layers.TimeDistributed(layers.MaxPooling2D(), name="td_pool"),
    layers.TimeDistributed(layers.Flatten(), name="td_flat"),
    layers.LSTM(16, name="lstm"),
    layers.Dense(5, activation="softmax", name="head"),
])
""",
    "timedistributed_on_sequences": """
inputs = keras.Input(shape=(6, 40, 2), name="in0")
a = layers.TimeDistributed(layers.Conv1D(4, 5, strides=2), name="td_c1")(inputs)
b = layers.TimeDistributed(layers.GlobalAveragePooling1D(), name="td_gap")(a)
c = layers.TimeDistributed(layers.Dense(3), name="td_dense")(b)
model = keras.Model(inputs, c)
""",
    "convlstm2d": """
model = keras.Sequential([
    keras.Input(shape=(6, 16, 16, 2), name="in0"),
    layers.ConvLSTM2D(8, 3, padding="same", return_sequences=True, name="cl1"),
    layers.BatchNormalization(name="bn"),
    layers.ConvLSTM2D(4, 3, strides=2, name="cl2"),
    layers.Flatten(name="flat"),
    layers.Dense(1, name="head"),
])
""",
    "embedding_conv1d_text": """
model = keras.Sequential([
    keras.Input(shape=(50,), dtype="int32", name="in0"),
    layers.Embedding(1000, 16, name="emb"),
    layers.Conv1D(32, 5, activation="relu", name="c1"),
    layers.GlobalMaxPooling1D(name="gmp"),
    layers.Dense(1, activation="sigmoid", name="head"),
])
""",
    "embedding_variable_length": """
model = keras.Sequential([
    keras.Input(shape=(None,), dtype="int32", name="in0"),
    layers.Embedding(500, 8, mask_zero=True, name="emb"),
    layers.LSTM(4, name="lstm"),
])
""",
    "text_vectorization_int": """
VOCABULARY = ["the", "cat", "sat", "on", "mat"]
inputs = keras.Input(shape=(1,), dtype="string", name="in0")
x = layers.TextVectorization(vocabulary=VOCABULARY, output_sequence_length=12, name="tv")(inputs)
x = layers.Embedding(len(VOCABULARY) + 2, 8, name="emb")(x)
x = layers.GlobalAveragePooling1D(name="gap")(x)
outputs = layers.Dense(1, activation="sigmoid", name="head")(x)
model = keras.Model(inputs, outputs)
""",
    "text_vectorization_multi_hot": """
inputs = keras.Input(shape=(), dtype="string", name="in0")
a = layers.TextVectorization(
    max_tokens=10,
    output_mode="multi_hot",
    pad_to_max_tokens=True,
    vocabulary=["a", "b", "c"],
    name="tv_padded",
)(inputs)
b = layers.TextVectorization(
    max_tokens=10, output_mode="count", vocabulary=["a", "b", "c"], name="tv_count"
)(inputs)
c = layers.TextVectorization(
    output_sequence_length=7, vocabulary=["a", "b", "c"], name="tv_int"
)(inputs)
model = keras.Model(inputs, [a, b, c])
""",
    "image_preprocessing": """
model = keras.Sequential([
    keras.Input(shape=(64, 64, 3), name="in0"),
    layers.Rescaling(1.0 / 255, name="rescale"),
    layers.RandomFlip("horizontal", name="flip"),
    layers.RandomRotation(0.1, name="rot"),
    layers.RandomZoom(0.1, name="zoom"),
    layers.RandomContrast(0.2, name="contrast"),
    layers.RandomTranslation(0.1, 0.1, name="shift"),
    layers.Resizing(32, 48, name="resize"),
    layers.CenterCrop(24, 20, name="crop"),
    layers.RandomCrop(20, 16, name="rcrop"),
    layers.Conv2D(4, 3, name="c1"),
])
""",
    "upsampling": """
image = keras.Input(shape=(8, 8, 4), name="in0")
a = layers.UpSampling2D(name="u1")(image)
b = layers.UpSampling2D((2, 3), interpolation="bilinear", name="u2")(a)
sequence = keras.Input(shape=(10, 3), name="in1")
c = layers.UpSampling1D(3, name="u3")(sequence)
volume = keras.Input(shape=(2, 3, 4, 1), name="in2")
d = layers.UpSampling3D((2, 1, 3), name="u4")(volume)
model = keras.Model([image, sequence, volume], [b, c, d])
""",
    "zero_padding_and_cropping": """
sequence = keras.Input(shape=(20, 3), name="in0")
a = layers.ZeroPadding1D(2, name="zp1")(sequence)
b = layers.Cropping1D((1, 3), name="cr1")(a)
image = keras.Input(shape=(16, 16, 2), name="in1")
c = layers.ZeroPadding2D(((1, 2), (3, 4)), name="zp2")(image)
d = layers.Cropping2D(2, name="cr2")(c)
volume = keras.Input(shape=(6, 6, 6, 1), name="in2")
e = layers.ZeroPadding3D(1, name="zp3")(volume)
f = layers.Cropping3D(((1, 0), (0, 1), (2, 2)), name="cr3")(e)
model = keras.Model([sequence, image, volume], [b, d, f])
""",
    "merging_layers": """
left = keras.Input(shape=(16,), name="in0")
right = keras.Input(shape=(16,), name="in1")
a = layers.Dense(8, name="da")(left)
b = layers.Dense(8, name="db")(right)
added = layers.Add(name="add")([a, b])
product = layers.Multiply(name="mul")([a, b])
mean = layers.Average(name="avg")([a, b, added])
difference = layers.Subtract(name="sub")([a, b])
high = layers.Maximum(name="max")([a, b])
low = layers.Minimum(name="min")([a, b])
joined = layers.Concatenate(name="cat")([added, product, mean, difference, high, low, left])
model = keras.Model(inputs=[left, right], outputs=joined)
""",
    "concatenate_axes": """
first = keras.Input(shape=(10, 4), name="in0")
second = keras.Input(shape=(6, 4), name="in1")
third = keras.Input(shape=(10, 3), name="in2")
time_axis = layers.Concatenate(axis=1, name="cat_time")([first, second])
feature_axis = layers.Concatenate(axis=-1, name="cat_features")([first, third])
model = keras.Model([first, second, third], [time_axis, feature_axis])
""",
    "residual_block": """
inputs = keras.Input(shape=(32, 32, 16), name="in0")
x = layers.Conv2D(16, 3, padding="same", name="c1")(inputs)
x = layers.BatchNormalization(name="bn1")(x)
x = layers.Activation("relu", name="relu1")(x)
x = layers.Conv2D(16, 3, padding="same", name="c2")(x)
x = layers.Add(name="skip")([x, inputs])
x = layers.LayerNormalization(name="ln")(x)
outputs = layers.GlobalAveragePooling2D(name="gap")(x)
model = keras.Model(inputs, outputs)
""",
    "two_inputs_two_heads": """
image = keras.Input(shape=(64, 64, 3), name="image")
table = keras.Input(shape=(10,), name="table")
x = layers.Conv2D(16, 3, activation="relu", name="c1")(image)
x = layers.MaxPooling2D(name="p1")(x)
x = layers.Conv2D(32, 3, activation="relu", name="c2")(x)
x = layers.GlobalAveragePooling2D(name="gap")(x)
y = layers.Dense(16, activation="relu", name="dt")(table)
z = layers.Concatenate(name="cat")([x, y])
species = layers.Dense(5, activation="softmax", name="species")(z)
weight = layers.Dense(1, name="weight")(z)
model = keras.Model(inputs=[image, table], outputs={"species": species, "weight": weight})
""",
    "add_style_with_input_shape": """
model = keras.Sequential()
model.add(layers.Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1), name="c1"))
model.add(layers.MaxPooling2D((2, 2), name="p1"))
model.add(layers.Conv2D(16, (3, 3), name="c2"))
model.add(layers.Flatten(name="flat"))
model.add(layers.Dense(10, activation="softmax", name="head"))
""",
    "constants_and_arithmetic": """
FILTERS = 16
SIZE = (24, 24)
CLASSES = 7
model = keras.Sequential([
    keras.Input(shape=SIZE + (3,), name="in0"),
    layers.Conv2D(FILTERS, 3, padding="same", name="c1"),
    layers.Conv2D(FILTERS * 2, 3, strides=2, name="c2"),
    layers.MaxPooling2D(pool_size=2, name="p1"),
    layers.Flatten(name="flat"),
    layers.Dense(CLASSES, activation="softmax", name="head"),
])
""",
    "dense_per_position": """
inputs = keras.Input(shape=(12, 9, 4), name="in0")
a = layers.Dense(3, name="d4")(inputs)
b = layers.Reshape((108, 4), name="r1")(inputs)
c = layers.Dense(2, name="d3")(b)
d = layers.LayerNormalization(name="ln")(c)
e = layers.Activation("tanh", name="act")(d)
model = keras.Model(inputs, [a, e])
""",
    "recurrent_flags": """
inputs = keras.Input(shape=(15, 4), name="in0")
a = layers.GRU(8, return_sequences=False, name="gru")(inputs)
b = layers.SimpleRNN(3, return_sequences=True, name="rnn")(inputs)
c = layers.Flatten(name="flat")(b)
d = layers.Bidirectional(layers.LSTM(4, return_sequences=True), name="bi")(inputs)
e = layers.GlobalMaxPooling1D(name="gmp")(d)
model = keras.Model(inputs, [a, c, e])
""",
    "starred_input_shape": """
IMAGE_SIZE = (32, 32)
model = keras.Sequential([
    keras.Input(shape=(*IMAGE_SIZE, 3), name="in0"),
    layers.Conv2D(8, 3, name="c1"),
    layers.Flatten(name="flat"),
])
""",
    "input_layer_shape": """
model = keras.Sequential([
    layers.InputLayer(shape=(10, 4), name="in0"),
    layers.Flatten(name="flat"),
    layers.Dense(2, name="head"),
])
""",
    "channels_first": """
model = keras.Sequential([
    keras.Input(shape=(3, 32, 32), name="in0"),
    layers.Conv2D(8, 3, data_format="channels_first", name="c1"),
    layers.MaxPooling2D(data_format="channels_first", name="p1"),
    layers.Flatten(name="flat"),
    layers.Dense(2, name="head"),
])
""",
}
