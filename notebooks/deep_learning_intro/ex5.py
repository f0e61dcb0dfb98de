# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: deep_learning_intro.ex5
#     languages: [zh-TW]
# ---

# %% [markdown]
# # Dropout and Batch Normalization
#
# Add dropout to the Spotify model from Exercise 4, and see how batch normalization can let you
# successfully train models on difficult datasets.
#
# Run the next cell to set everything up.

# %% [markdown] tags=["zh-TW"]
# # Dropout 與批次正規化
#
# 為練習 4 的 Spotify 模型加入 dropout，並看看批次正規化（batch normalization）如何讓你在困難的資料集上
# 成功訓練模型。
#
# 執行下一個儲存格來設定環境。

# %%
# Setup plotting
import matplotlib.pyplot as plt
plt.style.use('seaborn-v0_8-whitegrid')  # 'seaborn-whitegrid' was renamed in matplotlib 3.6
# Set Matplotlib defaults
plt.rc('figure', autolayout=True)
plt.rc('axes', labelweight='bold', labelsize='large',
       titleweight='bold', titlesize=18, titlepad=10)
plt.rc('animation', html='html5')

# Setup feedback system
from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_intro.ex5 import *

# %% tags=["zh-TW"]
# 設定繪圖
import matplotlib.pyplot as plt
plt.style.use('seaborn-v0_8-whitegrid')  # matplotlib 3.6 起 'seaborn-whitegrid' 已改名
# 設定 Matplotlib 預設值
plt.rc('figure', autolayout=True)
plt.rc('axes', labelweight='bold', labelsize='large',
       titleweight='bold', titlesize=18, titlepad=10)
plt.rc('animation', html='html5')

# 設定回饋系統（訊息使用繁體中文）
from learnkit.core import binder
binder.bind(globals(), lang='zh-TW')
from checkers.deep_learning_intro.ex5 import *

# %% [markdown]
# First load the Spotify dataset. (`data.path` finds `spotify.csv` on Kaggle, in `LEARNKIT_DATA`
# or in your cache, and checks that it is the course's file.) The random seeds are fixed so that
# your numbers match the ones quoted in this notebook.

# %% [markdown] tags=["zh-TW"]
# 首先載入 Spotify 資料集。（`data.path` 會在 Kaggle、`LEARNKIT_DATA` 或你的快取中找到 `spotify.csv`，
# 並確認它就是課程使用的檔案。）隨機種子已經固定，所以你得到的數字會與本筆記本中提到的數字一致。

# %%
import pandas as pd
from sklearn.preprocessing import StandardScaler, OneHotEncoder
from sklearn.compose import make_column_transformer
from sklearn.model_selection import GroupShuffleSplit

import keras
from keras import layers
from learnkit import data

keras.utils.set_random_seed(0)

spotify = pd.read_csv(data.path('spotify'))

X = spotify.copy().dropna()
y = X.pop('track_popularity')
artists = X['track_artist']

features_num = ['danceability', 'energy', 'key', 'loudness', 'mode',
                'speechiness', 'acousticness', 'instrumentalness',
                'liveness', 'valence', 'tempo', 'duration_ms']
features_cat = ['playlist_genre']

preprocessor = make_column_transformer(
    (StandardScaler(), features_num),
    (OneHotEncoder(), features_cat),
)

def group_split(X, y, group, train_size=0.75):
    splitter = GroupShuffleSplit(train_size=train_size, random_state=0)
    train, test = next(splitter.split(X, y, groups=group))
    return (X.iloc[train], X.iloc[test], y.iloc[train], y.iloc[test])

X_train, X_valid, y_train, y_valid = group_split(X, y, artists)

X_train = preprocessor.fit_transform(X_train)
X_valid = preprocessor.transform(X_valid)
y_train = y_train / 100
y_valid = y_valid / 100

input_shape = [X_train.shape[1]]
print("Input shape: {}".format(input_shape))

# %% [markdown]
# # 1) Add Dropout to Spotify Model
#
# Here is the last model from Exercise 4. Add two dropout layers, one after the Dense layer with
# 128 units, and one after the Dense layer with 64 units. Set the dropout rate on both to `0.3`.

# %% [markdown] tags=["zh-TW"]
# # 1) 將 Dropout 加入 Spotify 模型
#
# 這是練習 4 的最後一個模型。加入兩個 dropout 層：一個接在有 128 個單元的 Dense 層之後，另一個接在有
# 64 個單元的 Dense 層之後。兩個 dropout 層的比率（rate）都設為 `0.3`。

# %%
# YOUR CODE HERE: Add two 30% dropout layers, one after 128 and one after 64
# EXERCISE: model = keras.Sequential([
# EXERCISE:     layers.Dense(128, activation='relu', input_shape=input_shape),
# EXERCISE:     layers.Dense(64, activation='relu'),
# EXERCISE:     layers.Dense(1)
# EXERCISE: ])
# BEGIN SOLUTION
model = keras.Sequential([
    layers.Dense(128, activation='relu', input_shape=input_shape),
    layers.Dropout(0.3),
    layers.Dense(64, activation='relu'),
    layers.Dropout(0.3),
    layers.Dense(1)
])
# END SOLUTION

# Check your answer
q_1.check()

# %%
# Lines below will give you a hint or solution code
#q_1.hint()
#q_1.solution()

# %% tags=["zh-TW"]
# 取消下面幾行的註解，就能看到提示或解答程式碼
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
# Author tests: wrong answers fail, alternatives pass.
_solution_model = model
model = keras.Sequential([
    layers.Dense(128, activation='relu', input_shape=input_shape),
    layers.Dropout(0.5),
    layers.Dense(64, activation='relu'),
    layers.Dropout(0.5),
    layers.Dense(1)
])
q_1.assert_check_failed()
model = keras.Sequential([
    layers.Dense(128, activation='relu'),
    layers.Dropout(0.3),
    layers.Dense(64, activation='relu'),
    layers.Dropout(0.3),
    layers.Dense(1)
])
q_1.assert_check_failed()  # no input shape
model = keras.Sequential([
    layers.Dense(128, activation='relu', input_shape=input_shape),
    layers.Dense(64, activation='relu'),
    layers.Dense(1)
])
q_1.assert_check_unattempted()  # the starter model
model = 42
q_1.assert_check_failed()
inputs = keras.Input(shape=(18,))
x = layers.Dense(128, activation='relu')(inputs)
x = layers.Dropout(rate=0.3)(x)
x = layers.Dense(64, activation=keras.activations.relu)(x)
x = layers.Dropout(rate=0.3)(x)
model = keras.Model(inputs, layers.Dense(1)(x))
q_1.assert_check_passed()  # functional spelling
del model
q_1.assert_check_unattempted()
model = _solution_model

# %% [markdown]
# Now run this next cell to train the model and see the effect of adding dropout.

# %% [markdown] tags=["zh-TW"]
# 執行下一個儲存格來訓練模型，看看加入 dropout 的效果。

# %%
model.compile(
    optimizer='adam',
    loss='mae',
)
history = model.fit(
    X_train, y_train,
    validation_data=(X_valid, y_valid),
    batch_size=512,
    epochs=50,
    verbose=0,
)
history_df = pd.DataFrame(history.history)
history_df.loc[:, ['loss', 'val_loss']].plot()
print("Minimum Validation Loss: {:0.4f}".format(history_df['val_loss'].min()))

# %% tags=["test"]
# The seeds print 0.1923 and 0.1985; fixed seeds here give about 0.192.
assert 0.17 < history_df['val_loss'].min() < 0.22, history_df['val_loss'].min()
assert 'no overfitting' in q_2.assert_check_passed().diagnosis

# %% tags=["test", "zh-TW"]
# 種子印出 0.1923 與 0.1985；這裡固定的種子約得到 0.192。
assert 0.17 < history_df['val_loss'].min() < 0.22, history_df['val_loss'].min()
assert '沒有過度擬合' in q_2.assert_check_passed().diagnosis, q_2.result().diagnosis

# %% [markdown]
# # 2) Evaluate Dropout
#
# Recall from Exercise 4 that this model tended to overfit the data around epoch 5. Did adding
# dropout seem to help prevent overfitting this time?

# %% [markdown] tags=["zh-TW"]
# # 2) 評估 Dropout
#
# 回想一下，在練習 4 中這個模型大約從第 5 個時期（epoch）開始過度擬合資料。這次加入 dropout 似乎有助於防止
# 過度擬合嗎？

# %%
# View the solution (Run this cell to receive credit!)
q_2.check()

# %% tags=["zh-TW"]
# 查看解答（執行這個儲存格才能得分！）
q_2.check()

# %% [markdown]
# Now, we'll switch topics to explore how batch normalization can fix problems in training.
#
# Load the *Concrete* dataset. We won't do any standardization this time. This will make the
# effect of batch normalization much more apparent.

# %% [markdown] tags=["zh-TW"]
# 接下來換個主題，探討批次正規化如何解決訓練中的問題。
#
# 載入 *Concrete*（混凝土）資料集。這次不做任何標準化，這會讓批次正規化的效果更加明顯。

# %%
concrete = pd.read_csv(data.path('concrete'))
df = concrete.copy()

df_train = df.sample(frac=0.7, random_state=0)
df_valid = df.drop(df_train.index)

X_train = df_train.drop('CompressiveStrength', axis=1)
X_valid = df_valid.drop('CompressiveStrength', axis=1)
y_train = df_train['CompressiveStrength']
y_valid = df_valid['CompressiveStrength']

input_shape = [X_train.shape[1]]

# %% [markdown]
# Run the following cell to train the network on the unstandardized *Concrete* data.

# %% [markdown] tags=["zh-TW"]
# 執行下一個儲存格，在未標準化的 *Concrete*（混凝土）資料上訓練網路。

# %%
model = keras.Sequential([
    layers.Dense(512, activation='relu', input_shape=input_shape),
    layers.Dense(512, activation='relu'),
    layers.Dense(512, activation='relu'),
    layers.Dense(1),
])
model.compile(
    optimizer='sgd', # SGD is more sensitive to differences of scale
    loss='mae',
    metrics=['mae'],
)
history = model.fit(
    X_train, y_train,
    validation_data=(X_valid, y_valid),
    batch_size=64,
    epochs=100,
    verbose=0,
)

history_df = pd.DataFrame(history.history)
history_df.loc[0:, ['loss', 'val_loss']].plot()
print(("Minimum Validation Loss: {:0.4f}").format(history_df['val_loss'].min()))

# %% tags=["test"]
# The seeds print nan: without batch normalization SGD diverges (or ends at a huge loss).
assert history_df['val_loss'].isna().all() or history_df['val_loss'].min() > 20, history_df['val_loss'].min()
q_4.assert_check_unattempted()  # the history is not from the batch-normalized model yet

# %% [markdown]
# Did you end up with a blank graph? Trying to train this network on this dataset will usually
# fail. Even when it does converge (due to a lucky weight initialization), it tends to converge to
# a very large number.
#
# # 3) Add Batch Normalization Layers
#
# Batch normalization can help correct problems like this.
#
# Add four `BatchNormalization` layers, one before each of the dense layers. (Remember to move the
# `input_shape` argument to the new first layer.)

# %% [markdown] tags=["zh-TW"]
# 最後得到一張空白的圖嗎？在這個資料集上訓練這個網路通常會失敗。即使它收斂了（因為權重初始化剛好運氣好），
# 通常也會收斂到一個非常大的數字。
#
# # 3) 加入批次正規化層
#
# 批次正規化可以幫忙修正這類問題。
#
# 加入四個 `BatchNormalization` 層，分別放在每個 Dense 層之前。（記得把 `input_shape` 參數移到新的第一層。）

# %%
# YOUR CODE HERE: Add a BatchNormalization layer before each Dense layer
# EXERCISE: model = keras.Sequential([
# EXERCISE:     layers.Dense(512, activation='relu', input_shape=input_shape),
# EXERCISE:     layers.Dense(512, activation='relu'),
# EXERCISE:     layers.Dense(512, activation='relu'),
# EXERCISE:     layers.Dense(1),
# EXERCISE: ])
# BEGIN SOLUTION
model = keras.Sequential([
    layers.BatchNormalization(input_shape=input_shape),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(1),
])
# END SOLUTION

# Check your answer
q_3.check()

# %%
# Lines below will give you a hint or solution code
#q_3.hint()
#q_3.solution()

# %% tags=["zh-TW"]
# 取消下面幾行的註解，就能看到提示或解答程式碼
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
# Author tests: BN after the Dense layers and a missing BN fail; keras.Input passes.
_solution_model = model
model = keras.Sequential([
    layers.Dense(512, activation='relu', input_shape=input_shape),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(1),
])
q_3.assert_check_failed()
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(1),
])
q_3.assert_check_failed()
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(1),
])
q_3.assert_check_passed()  # keras.Input spelling
model = _solution_model

# %% [markdown]
# Run the next cell to see if batch normalization will let us train the model.

# %% [markdown] tags=["zh-TW"]
# 執行下一個儲存格，看看批次正規化能不能讓我們訓練這個模型。

# %%
model.compile(
    optimizer='sgd',
    loss='mae',
    metrics=['mae'],
)
EPOCHS = 100
history = model.fit(
    X_train, y_train,
    validation_data=(X_valid, y_valid),
    batch_size=64,
    epochs=EPOCHS,
    verbose=0,
)

history_df = pd.DataFrame(history.history)
history_df.loc[0:, ['loss', 'val_loss']].plot()
print(("Minimum Validation Loss: {:0.4f}").format(history_df['val_loss'].min()))

# %% tags=["test"]
# The seeds print 3.9469 and 4.1072.
assert 3.0 < history_df['val_loss'].min() < 6.0, history_df['val_loss'].min()
assert 'Without batch normalization every epoch gave NaN' in q_4.assert_check_passed().diagnosis, q_4.result().diagnosis

# %% tags=["test", "zh-TW"]
# 種子印出 3.9469 與 4.1072。
assert 3.0 < history_df['val_loss'].min() < 6.0, history_df['val_loss'].min()
# 「未使用批次正規化時，每個時期都得到 NaN；使用時，最低驗證損失為 …」
assert '每個時期都得到 NaN；' in q_4.assert_check_passed().diagnosis, q_4.result().diagnosis

# %% [markdown]
# # 4) Evaluate Batch Normalization
#
# Did adding batch normalization help?

# %% [markdown] tags=["zh-TW"]
# # 4) 評估批次正規化
#
# 加入批次正規化有幫助嗎？

# %%
# View the solution (Run this cell to receive credit!)
q_4.check()

# %% tags=["zh-TW"]
# 查看解答（執行這個儲存格才能得分！）
q_4.check()

# %% [markdown]
# # Keep Going #
#
# Your progress on this exercise:

# %% [markdown] tags=["zh-TW"]
# # 繼續前進 #
#
# 你在這個練習的進度：

# %%
progress()
