package com.example.app;

import com.example.shapes.Shapes;
import com.example.shapes.Shapes.Circle;

public class Service extends Base implements Runnable {
    private final Repository repository = new Repository();

    public void run() {
        Circle circle = new Circle(2.0);
        repository.save(circle);
        Shapes.mapAll(java.util.List.of(circle), Shapes::describe);
        super.run();
        new Thread(this::run).start();
    }
}
