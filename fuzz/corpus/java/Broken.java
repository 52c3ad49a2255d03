package com.example;

public class Broken {
    void f( {
    int x = ;
}
class {
