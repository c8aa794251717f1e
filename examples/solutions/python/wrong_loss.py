#!/usr/bin/env python

# BUGGY on purpose (w2v-gradcheck example): naiveSoftmaxLossAndGradient's loss
# is off by a constant 0.5 while its gradients are right. Expected: every
# naive-softmax check fails on the loss with "wrong loss: loss is ..., expected
# ..." and the note that the gradient is right; never "single precision".
# Grade it with:  w2v-gradcheck grade --python examples/solutions/python/wrong_loss.py

import argparse
import numpy as np
import random

from utils.gradcheck import gradcheck_naive, grad_tests_softmax, grad_tests_negsamp
from utils.utils import normalizeRows, softmax


def sigmoid(x):
    """
    Compute the sigmoid function for the input here.
    Arguments:
    x -- A scalar or numpy array.
    Return:
    s -- sigmoid(x)
    """

    ### YOUR CODE HERE (~1 Line)
    # exp of a non-positive number only: no overflow for large |x|.
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END YOUR CODE

    return s


def naiveSoftmaxLossAndGradient(
    centerWordVec,
    outsideWordIdx,
    outsideVectors,
    dataset
):
    """ Naive Softmax loss & gradient function for word2vec models

    Arguments:
    centerWordVec -- numpy ndarray, center word's embedding
                    in shape (word vector length, )
                    (v_c in the pdf handout)
    outsideWordIdx -- integer, the index of the outside word
                    (o of u_o in the pdf handout)
    outsideVectors -- outside vectors is
                    in shape (num words in vocab, word vector length)
                    for all words in vocab (tranpose of U in the pdf handout)
    dataset -- needed for negative sampling, unused here.

    Return:
    loss -- naive softmax loss
    gradCenterVec -- the gradient with respect to the center word vector
                     in shape (word vector length, )
                     (dJ / dv_c in the pdf handout)
    gradOutsideVecs -- the gradient with respect to all the outside word vectors
                    in shape (num words in vocab, word vector length)
                    (dJ / dU)
    """

    ### YOUR CODE HERE (~6-8 Lines)
    scores = outsideVectors @ centerWordVec          # (V,)
    y_hat = softmax(scores)                          # max-shifted inside softmax
    # -log softmax(s)_o = log-sum-exp(s) - s_o, without log(0) when y_hat_o underflows.
    shift = np.max(scores)
    loss = np.log(np.sum(np.exp(scores - shift))) + shift - scores[outsideWordIdx]
    delta = y_hat.copy()
    delta[outsideWordIdx] -= 1.0                     # y_hat - y
    gradCenterVec = outsideVectors.T @ delta         # U (y_hat - y)
    gradOutsideVecs = np.outer(delta, centerWordVec) # (V, d)
    ### END YOUR CODE

    return loss + 0.5, gradCenterVec, gradOutsideVecs  # MISTAKE: loss off by 0.5


def getNegativeSamples(outsideWordIdx, dataset, K):
    """ Samples K indexes which are not the outsideWordIdx """

    negSampleWordIndices = [None] * K
    for k in range(K):
        newidx = dataset.sampleTokenIdx()
        while newidx == outsideWordIdx:
            newidx = dataset.sampleTokenIdx()
        negSampleWordIndices[k] = newidx
    return negSampleWordIndices


def negSamplingLossAndGradient(
    centerWordVec,
    outsideWordIdx,
    outsideVectors,
    dataset,
    K=10
):
    """ Negative sampling loss function for word2vec models

    Arguments/Return Specifications: same as naiveSoftmaxLossAndGradient
    """

    # Negative sampling of words is done for you. Do not modify this if you
    # wish to match the autograder and receive points!
    negSampleWordIndices = getNegativeSamples(outsideWordIdx, dataset, K)
    indices = [outsideWordIdx] + negSampleWordIndices

    ### YOUR CODE HERE (~10 Lines)
    u_o = outsideVectors[outsideWordIdx]
    u_k = outsideVectors[negSampleWordIndices]       # (K, d), one row per draw
    s_o = u_o @ centerWordVec
    s_k = u_k @ centerWordVec
    # -log sigmoid(z) = log(1 + e^-z) = logaddexp(0, -z): finite for any z.
    loss = np.logaddexp(0.0, -s_o) + np.sum(np.logaddexp(0.0, s_k))
    sig_o = sigmoid(s_o)
    sig_k = sigmoid(s_k)
    gradCenterVec = (sig_o - 1.0) * u_o + sig_k @ u_k
    gradOutsideVecs = np.zeros(outsideVectors.shape)
    gradOutsideVecs[outsideWordIdx] += (sig_o - 1.0) * centerWordVec
    # A word drawn n times contributes n times: np.add.at accumulates repeats.
    np.add.at(gradOutsideVecs, negSampleWordIndices, np.outer(sig_k, centerWordVec))
    ### END YOUR CODE

    return loss, gradCenterVec, gradOutsideVecs


def skipgram(currentCenterWord, windowSize, outsideWords, word2Ind,
             centerWordVectors, outsideVectors, dataset,
             word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    """ Skip-gram model in word2vec

    Arguments:
    currentCenterWord -- a string of the current center word
    windowSize -- integer, context window size
    outsideWords -- list of no more than 2*windowSize strings, the outside words
    word2Ind -- a dictionary that maps words to their indices in
              the word vector list
    centerWordVectors -- center word vectors (as rows) is in shape
                        (num words in vocab, word vector length)
                        for all words in vocab (V in pdf handout)
    outsideVectors -- outside vectors is in shape
                        (num words in vocab, word vector length)
                        for all words in vocab (transpose of U in the pdf handout)
    word2vecLossAndGradient -- the loss and gradient function for
                               a prediction vector given the outsideWordIdx
                               word vectors, could be one of the two
                               loss functions you implemented above.

    Return:
    loss -- the loss function value for the skip-gram model
            (J in the pdf handout)
    gradCenterVecs -- the gradient with respect to the center word vector
                     in shape (num words in vocab, word vector length)
                     (dJ / dv_c in the pdf handout)
    gradOutsideVecs -- the gradient with respect to all the outside word vectors
                    in shape (num words in vocab, word vector length)
                    (dJ / dU)
    """

    loss = 0.0
    gradCenterVecs = np.zeros(centerWordVectors.shape)
    gradOutsideVectors = np.zeros(outsideVectors.shape)

    ### YOUR CODE HERE (~8 Lines)
    c = word2Ind[currentCenterWord]
    centerWordVec = centerWordVectors[c]
    for word in outsideWords:                        # repeated words count each time
        l, gc, go = word2vecLossAndGradient(centerWordVec, word2Ind[word],
                                            outsideVectors, dataset)
        loss += l
        gradCenterVecs[c] += gc
        gradOutsideVectors += go
    ### END YOUR CODE

    return loss, gradCenterVecs, gradOutsideVectors


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description='Test your implementations.')
    parser.add_argument('function', nargs='?', type=str, default='all',
                        help='Name of the function you would like to test.')
    args = parser.parse_args()
    print("Grade this file with: w2v-gradcheck grade --python", __file__)
