import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './styles/app.css'
import App from './App.vue'
import { createAppRouter } from './router'

createApp(App).use(createAppRouter()).mount('#app')
