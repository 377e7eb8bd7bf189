public enum MenuEnginePlaceholder {}
