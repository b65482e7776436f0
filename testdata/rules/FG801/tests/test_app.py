from app import app

app.config["SECRET_KEY"] = "testing"
